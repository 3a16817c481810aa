"""Vocabulary for demo data: the words real registers are made of.

Plain data plus a few helpers that draw from a random.Random, so that the generator in
seed.py stays deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, NamedTuple

from registry.authorities.services import MUNICIPALITIES
from registry.divisions.models import DivisionLevel
from registry.divisions.services import DivisionRow

# Packed tables read better than one word a line.
# fmt: off

# -- people --------------------------------------------------------------------

#: the commonest surnames, with rough weights (王, 李, 张 and 刘 alone cover a fifth of China)
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 72), ("李", 71), ("张", 67), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 24),
    ("赵", 22), ("吴", 21), ("周", 21), ("徐", 15), ("孙", 15), ("马", 14), ("朱", 13),
    ("胡", 13), ("郭", 12), ("何", 12), ("林", 11), ("高", 11), ("罗", 11), ("郑", 10),
    ("梁", 10), ("谢", 8), ("宋", 7), ("唐", 7), ("许", 7), ("韩", 7), ("邓", 6), ("冯", 6),
    ("曹", 6), ("彭", 6), ("曾", 6), ("肖", 6), ("田", 5), ("董", 5), ("潘", 5), ("袁", 5),
    ("蔡", 5), ("蒋", 5), ("余", 5), ("于", 5), ("杜", 4), ("叶", 4), ("程", 4), ("魏", 4),
    ("苏", 4), ("吕", 4), ("丁", 4), ("任", 4), ("卢", 4), ("姚", 4), ("沈", 4), ("钟", 3),
    ("姜", 3), ("崔", 3), ("谭", 3), ("陆", 3), ("范", 3), ("汪", 3), ("廖", 3), ("石", 3),
    ("金", 3), ("韦", 3), ("贾", 3), ("夏", 3), ("付", 3), ("方", 3), ("邹", 2), ("熊", 2),
    ("白", 2), ("孟", 2), ("秦", 2), ("邱", 2), ("侯", 2), ("江", 2), ("尹", 2), ("薛", 2),
    ("欧阳", 1), ("司马", 1), ("诸葛", 1),
)
GIVEN_CHARACTERS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬辉鹏建国宏"
    "志文斌俊峰晓丹雪梅海波琳慧婷宇浩然子轩欣怡佳琪思远博文雨涵梓晨嘉懿一诺瑞泽"
    "德福寿安康宁清源春秋冬松柏长青立新振兴永红卫东学军淑珍凤云亮晨阳光辉志强"
)


# -- supervisory units (业务主管单位) --------------------------------------------

#: key → (national name, provincial form, municipal or county form); {r} is the region
SUPERVISORS: dict[str, tuple[str, str, str]] = {
    "civil": ("民政部", "{r}民政厅", "{r}民政局"),
    "education": ("教育部", "{r}教育厅", "{r}教育局"),
    "science": ("中国科学技术协会", "{r}科学技术协会", "{r}科学技术协会"),
    "social_science": ("中国社会科学院", "{r}社会科学界联合会", "{r}社会科学界联合会"),
    "health": ("国家卫生健康委员会", "{r}卫生健康委员会", "{r}卫生健康委员会"),
    "sport": ("国家体育总局", "{r}体育局", "{r}体育局"),
    "culture": ("文化和旅游部", "{r}文化和旅游厅", "{r}文化和旅游局"),
    "arts": ("中国文学艺术界联合会", "{r}文学艺术界联合会", "{r}文学艺术界联合会"),
    "justice": ("司法部", "{r}司法厅", "{r}司法局"),
    "environment": ("生态环境部", "{r}生态环境厅", "{r}生态环境局"),
    "agriculture": ("农业农村部", "{r}农业农村厅", "{r}农业农村局"),
    "labour": ("人力资源和社会保障部", "{r}人力资源和社会保障厅", "{r}人力资源和社会保障局"),
    "public_security": ("公安部", "{r}公安厅", "{r}公安局"),
    "youth": ("共青团中央", "共青团{r}委员会", "共青团{r}委员会"),
    "women": ("中华全国妇女联合会", "{r}妇女联合会", "{r}妇女联合会"),
    "disabled": ("中国残疾人联合会", "{r}残疾人联合会", "{r}残疾人联合会"),
    "commerce": ("中华全国工商业联合会", "{r}工商业联合会", "{r}工商业联合会"),
}

# -- social groups (社会团体) ----------------------------------------------------

#: suffix → English
SUFFIX_EN = {
    "协会": "Association", "学会": "Society", "研究会": "Research Society",
    "促进会": "Promotion Association", "商会": "Chamber of Commerce", "联合会": "Federation",
    "总会": "General Association", "行业协会": "Industry Association",
    "工业协会": "Industrial Association", "流通协会": "Distribution Association",
    "基金会": "Foundation", "回收利用协会": "Recycling Association", "会": "Society",
}

#: (topic, English, suffixes, supervisory key; None: a decoupled trade association)
SOCIAL_GROUP_FIELDS: tuple[tuple[str, str, tuple[str, ...], str | None], ...] = (
    # public interest and welfare
    ("慈善", "Charity", ("总会", "协会", "联合会"), "civil"),
    ("养老服务", "Elderly Care Services", ("协会", "促进会"), "civil"),
    ("社会工作", "Social Work", ("协会", "联合会"), "civil"),
    ("志愿服务", "Volunteer Service", ("联合会", "协会"), "civil"),
    ("老年人", "Senior Citizens", ("协会",), "civil"),
    ("青少年发展", "Youth Development", ("促进会", "协会"), "youth"),
    ("家庭教育", "Family Education", ("研究会", "促进会"), "women"),
    ("法律援助", "Legal Aid", ("协会",), "justice"),
    ("人民调解", "People's Mediation", ("协会",), "justice"),
    ("心理咨询", "Psychological Counselling", ("协会",), "health"),
    ("残疾人康复", "Disability Rehabilitation", ("协会",), "disabled"),
    ("见义勇为", "Heroic Deeds", ("协会", "促进会"), "public_security"),
    ("禁毒", "Drug Control", ("协会",), "public_security"),
    ("环境保护", "Environmental Protection", ("协会", "联合会"), "environment"),
    ("野生动物保护", "Wildlife Conservation", ("协会",), "agriculture"),
    ("健康管理", "Health Management", ("协会", "促进会"), "health"),
    ("科普", "Popular Science", ("协会",), "science"),
    # learned societies
    ("教育", "Education", ("学会", "研究会"), "education"),
    ("职业教育", "Vocational Education", ("学会", "协会"), "education"),
    ("民办教育", "Private Education", ("协会",), "education"),
    ("自动化", "Automation", ("学会",), "science"), ("计算机", "Computer", ("学会",), "science"),
    ("机械工程", "Mechanical Engineering", ("学会",), "science"),
    ("土木建筑", "Civil Engineering and Architecture", ("学会",), "science"),
    ("水利", "Hydraulic Engineering", ("学会",), "science"),
    ("地理", "Geographical", ("学会",), "science"), ("心理", "Psychological", ("学会",), "science"),
    ("农学", "Agricultural", ("会",), "science"), ("林学", "Forestry", ("会",), "science"),
    ("中医药", "Traditional Chinese Medicine", ("学会", "协会"), "health"),
    ("护理", "Nursing", ("学会",), "health"), ("医师", "Medical Doctor", ("协会",), "health"),
    ("预防医学", "Preventive Medicine", ("会",), "health"),
    ("会计", "Accounting", ("学会",), "social_science"),
    ("经济", "Economic", ("学会",), "social_science"),
    ("社会", "Sociological", ("学会",), "social_science"),
    ("哲学", "Philosophy", ("学会",), "social_science"),
    ("历史", "Historical", ("学会",), "social_science"),
    ("儒学", "Confucian Studies", ("研究会",), "social_science"),
    ("红楼梦", "Dream of the Red Chamber", ("研究会", "学会"), "social_science"),
    ("民俗", "Folklore", ("学会",), "social_science"),
    ("地方文化", "Local Culture", ("研究会",), "culture"),
    ("非物质文化遗产保护", "Intangible Cultural Heritage", ("协会",), "culture"),
    ("收藏家", "Collectors", ("协会",), "culture"),
    # arts and sport
    ("书法家", "Calligraphers", ("协会",), "arts"), ("摄影家", "Photographers", ("协会",), "arts"),
    ("美术家", "Artists", ("协会",), "arts"), ("音乐家", "Musicians", ("协会",), "arts"),
    ("作家", "Writers", ("协会",), "arts"), ("诗词", "Poetry", ("学会", "协会"), "arts"),
    ("体育", "Sports", ("总会",), "sport"), ("老年人体育", "Elderly Sports", ("协会",), "sport"),
    ("足球", "Football", ("协会",), "sport"), ("篮球", "Basketball", ("协会",), "sport"),
    ("羽毛球", "Badminton", ("协会",), "sport"), ("乒乓球", "Table Tennis", ("协会",), "sport"),
    ("围棋", "Go", ("协会",), "sport"), ("象棋", "Xiangqi", ("协会",), "sport"),
    ("武术", "Wushu", ("协会",), "sport"),
    ("登山户外运动", "Mountaineering and Outdoor Sports", ("协会",), "sport"),
    ("游泳", "Swimming", ("协会",), "sport"), ("田径", "Athletics", ("协会",), "sport"),
    ("太极拳", "Taijiquan", ("协会",), "sport"), ("钓鱼", "Angling", ("协会",), "sport"),
    # trade associations, decoupled from their former supervisors since 2015
    ("企业家", "Entrepreneurs", ("协会", "联合会"), None),
    ("个体劳动者", "Self-employed Workers", ("协会",), None),
    ("民营经济", "Private Economy", ("研究会", "促进会"), "commerce"),
    ("餐饮", "Catering", ("行业协会", "商会"), None), ("烹饪", "Culinary", ("协会",), None),
    ("物流", "Logistics", ("协会", "商会"), None),
    ("电子商务", "E-commerce", ("协会", "商会"), None), ("软件", "Software", ("行业协会",), None),
    ("建筑业", "Construction Industry", ("协会",), None),
    ("房地产业", "Real Estate", ("协会",), None),
    ("物业管理", "Property Management", ("协会",), None),
    ("家政服务", "Domestic Services", ("协会",), None),
    ("汽车", "Automobile", ("流通协会", "行业协会"), None),
    ("茶叶", "Tea", ("协会", "流通协会"), None), ("纺织", "Textile", ("工业协会", "商会"), None),
    ("食品", "Food", ("工业协会", "行业协会"), None),
    ("医药", "Pharmaceutical", ("行业协会", "商会"), None), ("旅游", "Tourism", ("协会",), None),
    ("酒店", "Hotel", ("行业协会",), None), ("广告", "Advertising", ("协会",), None),
    ("印刷", "Printing", ("行业协会",), None), ("包装", "Packaging", ("协会",), None),
    ("再生资源", "Renewable Resources", ("回收利用协会",), None),
    ("光伏", "Photovoltaic", ("行业协会",), None), ("家具", "Furniture", ("协会", "商会"), None),
    ("珠宝玉石", "Gems and Jewellery", ("协会",), None),
    ("美容美发", "Beauty and Hairdressing", ("协会",), None),
    ("水产", "Aquatic Products", ("流通协会", "行业协会"), None), ("种子", "Seed", ("协会",), None),
    ("农民专业合作社", "Farmers' Cooperatives", ("联合会",), None),
    ("{origin}", "{origin}", ("商会",), "commerce"),
)

#: words that make a topic more specific, as in 中国物流技术协会, 中国茶叶文化研究会
SPECIALISATIONS: tuple[tuple[str, str], ...] = (
    ("文化", "Culture"), ("技术", "Technology"), ("发展", "Development"),
    ("教育", "Education"), ("产业", "Industry"), ("交流", "Exchange"),
    ("信息化", "Informatisation"), ("标准化", "Standardisation"), ("创新", "Innovation"),
    ("国际合作", "International Cooperation"), ("人才", "Talent"), ("品牌", "Brand"),
    ("质量", "Quality"),
)
#: for groups of people (企业家, 摄影家 …): 青年企业家协会, 女摄影家协会
PERSON_QUALIFIERS: tuple[tuple[str, str], ...] = (("青年", "Young"), ("女", "Women"))

#: home regions of chambers of commerce formed by people from elsewhere (异地商会)
ORIGINS: tuple[tuple[str, str], ...] = (
    ("温州", "Wenzhou"), ("福建", "Fujian"), ("浙江", "Zhejiang"), ("湖南", "Hunan"),
    ("河南", "Henan"), ("安徽", "Anhui"), ("江西", "Jiangxi"), ("四川", "Sichuan"),
    ("潮汕", "Chaoshan"), ("莆田", "Putian"), ("晋江", "Jinjiang"), ("宁波", "Ningbo"),
    ("台州", "Taizhou"), ("义乌", "Yiwu"), ("湖北", "Hubei"), ("山东", "Shandong"),
    ("江苏", "Jiangsu"), ("广东", "Guangdong"), ("重庆", "Chongqing"), ("陕西", "Shaanxi"),
)

#: what social groups do, by supervisory key; the rest share the general list
SOCIAL_GROUP_SERVICES: dict[str | None, tuple[str, ...]] = {
    "science": ("学术交流", "业务培训", "书刊编辑", "国际合作", "科学普及", "技术咨询",
                "成果评价", "决策咨询"),
    "social_science": ("学术研讨", "课题研究", "书刊编辑", "业务培训", "咨询服务",
                       "国际交流"),
    "sport": ("组织群众性体育活动", "举办赛事", "教练员和裁判员培训", "运动水平等级评定",
              "对外交流"),
    "arts": ("组织创作和采风", "举办展览", "业务培训", "评比表彰", "对外交流", "作品研讨"),
    None: ("行业自律", "行业调研", "信息交流", "业务培训", "展览展示", "标准制定",
           "咨询服务", "维护会员合法权益", "承接政府委托事项", "国内外交流合作"),
    "general": ("宣传推广", "业务培训", "咨询服务", "调查研究", "交流合作", "评比表彰",
                "公益活动", "承接政府购买服务项目", "会员服务"),
}

# -- social service agencies (社会服务机构) ----------------------------------------

#: the two halves of an agency's trade name (字号), as in 阳光 or 仁爱
BRAND_FIRST = "阳爱仁同启晨博康福颐安善和春明育英未彩蓝绿朝希知益乐长馨德慧心星暖繁青金百童智嘉润"
BRAND_SECOND = "光心爱德明曦雅乐寿和馨泽晖华才来虹天洲阳望行友龄青园润源航辉桥星林苗禾信达瑞"
BRANDS = (
    "阳光", "爱心", "仁爱", "同心", "启明", "晨光", "博雅", "康乐", "福寿", "颐和", "安馨",
    "善德", "春晖", "明德", "育才", "英才", "未来", "彩虹", "向日葵", "小太阳", "蓝天",
    "绿洲", "朝阳", "希望", "新起点", "知行", "乐龄", "长青", "德润", "慧心", "心桥",
    "启航", "星光", "橄榄枝", "暖阳", "繁星", "青松", "金色年华", "百合", "童心", "智源",
    "嘉禾", "润泽", "悦心", "恒爱", "和美", "善源", "益友", "守望", "萤火虫",
)

#: (field, suffixes, supervisory key, what it does)
AGENCY_FIELDS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("养老", ("服务中心", "院"), "civil",
     "为老年人提供生活照料、康复护理、文体娱乐和精神慰藉服务"),
    ("居家养老", ("服务中心",), "civil", "为社区居家老年人提供助餐、助浴、助洁、助医等上门服务"),
    ("社会工作", ("服务中心", "服务社"), "civil",
     "开展个案、小组和社区社会工作服务；承接政府购买社会工作服务项目"),
    ("社区", ("服务中心", "发展中心"), "civil", "开展社区居民服务、邻里互助和社区营造活动"),
    ("公益", ("服务中心", "发展中心"), "civil", "开展公益项目策划、志愿者培训和公益资源对接"),
    ("志愿者", ("服务中心",), "civil", "开展志愿者招募、培训和志愿服务活动组织"),
    ("康复", ("中心", "医院"), "health", "提供康复评定、康复治疗和康复咨询服务"),
    ("", ("护理院", "医院", "中医医院"), "health", "提供预防保健、医疗、护理服务"),
    ("残疾人托养", ("中心",), "disabled", "为智力、精神和重度残疾人提供日间照料和托养服务"),
    ("儿童康复", ("中心",), "disabled", "为孤独症和发育迟缓儿童提供康复训练和家长培训"),
    ("心理咨询", ("服务中心", "中心"), "health", "提供心理健康教育、心理咨询和危机干预服务"),
    ("", ("幼儿园",), "education", "实施学前教育，为三至六周岁幼儿提供保育和教育"),
    ("", ("学校", "实验学校"), "education", "实施义务教育阶段全日制学历教育"),
    ("", ("培训学校", "职业培训学校"), "labour", "开展职业技能培训"),
    ("艺术", ("培训学校", "培训中心"), "education", "开展音乐、舞蹈、美术等艺术类非学历教育培训"),
    ("青少年", ("活动中心", "服务中心"), "youth", "开展青少年课外活动、成长辅导和社会实践"),
    ("家庭", ("服务中心", "教育指导中心"), "women",
     "开展家庭教育指导、婚姻家庭辅导和妇女儿童关爱服务"),
    ("环境保护", ("研究中心", "服务中心"), "environment",
     "开展环境保护宣传教育、调查研究和咨询服务"),
    ("经济", ("研究院", "研究所"), "social_science", "开展经济与社会发展研究、咨询和培训"),
    ("文化艺术", ("研究院", "中心"), "culture", "开展文化艺术研究、展演和交流活动"),
    ("科技", ("研究院", "服务中心"), "science", "开展技术研发、技术咨询和科技成果转化服务"),
    ("法律", ("服务中心",), "justice", "提供法律咨询、法治宣传和人民调解协助服务"),
    ("体育", ("俱乐部", "培训中心"), "sport", "开展全民健身指导、体育培训和群众性赛事活动"),
    ("", ("图书馆", "博物馆"), "culture", "收藏、展示文献和藏品，向公众免费开放"),
    ("", ("社会服务中心",), "civil", "开展扶老、助残、救孤、济困等社会服务"),
)

AGENCY_EXTRAS = (
    "承接政府购买服务项目", "开展相关培训和咨询", "开展相关公益活动", "开展对外交流合作",
)

# -- foundations (基金会) ----------------------------------------------------------

#: (theme, English, supervisory key, what it funds)
FOUNDATION_THEMES: tuple[tuple[str, str, str, str], ...] = (
    ("慈善", "Charity", "civil", "扶贫济困、赈灾救助和社会公益事业"),
    ("教育发展", "Education Development", "education", "奖教助学、改善办学条件"),
    ("青少年发展", "Youth Development", "youth", "资助困难青少年就学和成长"),
    ("乡村振兴", "Rural Revitalisation", "agriculture", "乡村产业、人才和公共服务项目"),
    ("见义勇为", "Heroic Deeds", "public_security", "奖励和救助见义勇为人员"),
    ("老龄事业发展", "Ageing", "civil", "养老服务和困难老年人救助"),
    ("残疾人福利", "Welfare for Disabled Persons", "disabled", "残疾人康复、教育和就业"),
    ("环境保护", "Environmental Protection", "environment", "生态保护和污染防治公益项目"),
    ("文化发展", "Cultural Development", "culture", "文化传承、文物保护和公共文化服务"),
    ("科技发展", "Science and Technology", "science", "科学研究、科学普及和科技人才奖励"),
    ("医疗救助", "Medical Relief", "health", "大病患者医疗救助和基层卫生服务"),
    ("儿童福利", "Children's Welfare", "civil", "孤困儿童救助和儿童关爱服务"),
    ("妇女儿童发展", "Women and Children's Development", "women", "妇女儿童健康、教育和权益保护"),
    ("体育发展", "Sports Development", "sport", "全民健身和青少年体育培训"),
    ("禁毒", "Drug Control", "public_security", "禁毒宣传教育和戒毒康复"),
    ("社会福利", "Social Welfare", "civil", "社会福利机构建设和困难群众救助"),
    ("光彩事业", "Guangcai Programme", "commerce", "民营企业参与的扶贫和公益项目"),
    ("助学", "Student Aid", "education", "资助家庭经济困难学生完成学业"),
)
#: universities, by province code prefix; their foundations are named after them
UNIVERSITIES: dict[str, tuple[tuple[str, str], ...]] = {
    "11": (("北京大学", "Peking University"), ("清华大学", "Tsinghua University"),
           ("中国人民大学", "Renmin University of China"),
           ("北京师范大学", "Beijing Normal University")),
    "12": (("南开大学", "Nankai University"), ("天津大学", "Tianjin University")),
    "21": (("大连理工大学", "Dalian University of Technology"),
           ("东北大学", "Northeastern University")),
    "22": (("吉林大学", "Jilin University"),),
    "23": (("哈尔滨工业大学", "Harbin Institute of Technology"),),
    "31": (("复旦大学", "Fudan University"), ("上海交通大学", "Shanghai Jiao Tong University"),
           ("同济大学", "Tongji University")),
    "32": (("南京大学", "Nanjing University"), ("东南大学", "Southeast University"),
           ("苏州大学", "Soochow University")),
    "33": (("浙江大学", "Zhejiang University"),),
    "34": (("中国科学技术大学", "University of Science and Technology of China"),),
    "35": (("厦门大学", "Xiamen University"),),
    "37": (("山东大学", "Shandong University"),),
    "42": (("武汉大学", "Wuhan University"),
           ("华中科技大学", "Huazhong University of Science and Technology")),
    "43": (("中南大学", "Central South University"), ("湖南大学", "Hunan University")),
    "44": (("中山大学", "Sun Yat-sen University"),
           ("华南理工大学", "South China University of Technology")),
    "50": (("重庆大学", "Chongqing University"),),
    "51": (("四川大学", "Sichuan University"),),
    "61": (("西安交通大学", "Xi'an Jiaotong University"),),
    "62": (("兰州大学", "Lanzhou University"),),
}
UNIVERSITY_FOUNDATIONS = (
    ("教育发展基金会", "Education Development Foundation"),
    ("教育基金会", "Education Foundation"),
    ("校友基金会", "Alumni Foundation"),
)

#: English names of provincial-level divisions, by code prefix
PROVINCES_EN = {
    "11": "Beijing", "12": "Tianjin", "13": "Hebei", "14": "Shanxi", "15": "Inner Mongolia",
    "21": "Liaoning", "22": "Jilin", "23": "Heilongjiang", "31": "Shanghai", "32": "Jiangsu",
    "33": "Zhejiang", "34": "Anhui", "35": "Fujian", "36": "Jiangxi", "37": "Shandong",
    "41": "Henan", "42": "Hubei", "43": "Hunan", "44": "Guangdong", "45": "Guangxi",
    "46": "Hainan", "50": "Chongqing", "51": "Sichuan", "52": "Guizhou", "53": "Yunnan",
    "54": "Tibet", "61": "Shaanxi", "62": "Gansu", "63": "Qinghai", "64": "Ningxia",
    "65": "Xinjiang",
}

# -- status reasons ----------------------------------------------------------------

DEREGISTRATION_REASONS = (
    "自行解散", "完成宗旨", "因合并注销", "因分立注销", "业务主管单位撤销", "理事会决议终止",
    "简易注销：连续两年未参加年检且无法取得联系", "举办者申请终止",
)
REVOCATION_REASONS = (
    "连续两年未参加年检", "未按照规定参加年检", "从事营利性经营活动",
    "超出章程规定的宗旨和业务范围进行活动", "涂改、出租、出借登记证书",
    "拒不接受或者不按照规定接受监督检查", "通过登记的住所无法取得联系，长期未开展活动",
)

# -- places ------------------------------------------------------------------------

ROAD_STEMS = (
    "中山", "人民", "解放", "建设", "和平", "长江", "黄河", "文化", "新华", "胜利", "友谊",
    "学府", "科技", "朝阳", "东风", "青年", "光明", "幸福", "北京", "南京", "上海", "迎宾",
    "滨江", "湖滨", "府前", "工农", "团结", "振兴", "五一", "民主", "健康", "育才", "花园",
    "金融", "世纪", "站前", "环城", "凤凰", "龙华", "松山", "华山", "泰山", "长安", "延安",
)
ROAD_KINDS = ("路", "路", "路", "街", "大街", "大道", "东路", "西路", "南路", "北路")
BUILDINGS = ("大厦", "广场", "中心", "科技园", "创业园", "商务楼", "综合楼", "服务中心")

#: stems for street offices (街道办事处) and towns (镇), and the communities in them
STREET_STEMS = (
    "玄武门", "新街口", "城关", "东关", "西关", "南关", "北关", "朝阳", "和平", "人民",
    "解放", "东风", "向阳", "新华", "站前", "滨江", "湖滨", "龙泉", "翠屏", "桂花", "凤凰",
    "梅园", "锦江", "金山", "银湖", "青山", "白塔", "石桥", "柳林", "杏花", "莲花", "东湖",
    "西湖", "南湖", "北苑", "文昌", "鼓楼", "长安", "双桥", "三里", "八一", "红旗", "光华",
)
COMMUNITY_STEMS = (
    "幸福", "和平", "阳光", "锦绣", "翠苑", "金桥", "新村", "花园", "丽景", "东苑", "西苑",
    "百子亭", "梅园", "兰园", "竹园", "桃园", "康居", "安居", "友谊", "育才", "文苑",
    "春晖", "秀水", "紫荆", "银杏", "枫林", "南苑", "北园", "清河", "望江", "星河",
)
#: (community activity, what it does)
COMMUNITY_ACTIVITIES: tuple[tuple[str, str], ...] = (
    ("广场舞队", "组织社区居民开展广场舞健身活动"), ("合唱团", "组织社区居民开展合唱排练和演出"),
    ("太极拳队", "组织太极拳、太极剑健身锻炼"),
    ("志愿者服务队", "开展邻里互助、环境整治和关爱帮扶志愿服务"),
    ("老年协会", "组织老年人开展文体娱乐和互助活动"),
    ("读书会", "组织居民开展阅读分享和读书交流活动"),
    ("书画社", "组织书法、绘画学习交流和作品展示"), ("乒乓球俱乐部", "组织乒乓球健身和邻里友谊赛"),
    ("邻里互助会", "开展邻里守望、互助帮扶活动"),
    ("环保志愿队", "开展垃圾分类宣传和社区环境保护活动"),
    ("平安巡逻队", "协助开展社区治安巡逻和安全宣传"), ("腰鼓队", "组织腰鼓排练和节庆演出"),
    ("棋牌协会", "组织象棋、围棋等棋类文体活动"), ("摄影协会", "组织摄影学习、采风和作品展示"),
    ("养花协会", "组织花卉种植交流和社区绿化美化"), ("健步走队", "组织居民开展健步走锻炼"),
    ("戏曲社", "组织戏曲爱好者排练和演出"), ("亲子活动社", "组织亲子阅读、手工和户外活动"),
    ("助老服务队", "为高龄、独居老人提供探访和生活帮扶"),
    ("手工编织社", "组织编织、剪纸等手工艺学习交流"),
)
WITHDRAWAL_REASONS = ("长期未开展活动", "负责人申请撤销备案", "成员解散", "已依法登记为社会组织")


# fmt: on


def person_name(rng: random.Random) -> str:
    """A plausible full name: a weighted surname and one or two given characters."""
    surname = rng.choices(_SURNAME_VALUES, cum_weights=_SURNAME_CUMULATIVE)[0]
    if rng.random() < 0.3:
        return surname + rng.choice(GIVEN_CHARACTERS)
    return surname + rng.choice(GIVEN_CHARACTERS) + rng.choice(GIVEN_CHARACTERS)


_SURNAME_VALUES = tuple(s for s, _ in SURNAMES)
_SURNAME_CUMULATIVE = tuple(accumulate(w for _, w in SURNAMES))
_CHINESE_DIGITS = "〇一二三四五六七八九"
_ORIGIN_NAMES = frozenset(o for o, _ in ORIGINS)


def address(rng: random.Random, place: str) -> str:
    """A domicile in the place: road and number, sometimes a building and room."""
    text = f"{place}{rng.choice(ROAD_STEMS)}{rng.choice(ROAD_KINDS)}{rng.randint(1, 399)}号"
    if rng.random() < 0.45:
        text += f"{rng.choice(BRANDS)}{rng.choice(BUILDINGS)}{rng.randint(2, 28)}楼"
        text += f"{rng.randint(1, 28):02d}{rng.randint(1, 20):02d}室"
    return text


def brand(rng: random.Random) -> str:
    """A trade name: a common one, or two characters that read like one."""
    if rng.random() < 0.4:
        return rng.choice(BRANDS)
    return rng.choice(BRAND_FIRST) + rng.choice(BRAND_SECOND)


def street_office(rng: random.Random, *, rural: bool) -> tuple[str | None, str]:
    """The street office or town that received a community filing (none for ~30%)."""
    if rng.random() >= 0.7:
        return None, ""
    stem = rng.choice(STREET_STEMS)
    if rural and rng.random() < 0.6:
        return f"{stem}镇人民政府", f"{stem}镇"
    return f"{stem}街道办事处", f"{stem}街道"


def community_name(rng: random.Random, local: str) -> tuple[str, str, str]:
    """Name, activities and community: 玄武门街道梅园社区广场舞队, …, 梅园社区."""
    activity, scope = rng.choice(COMMUNITY_ACTIVITIES)
    community = rng.choice(COMMUNITY_STEMS) + "社区"
    return f"{local}{community}{activity}", scope, community


def community_seat(rng: random.Random, place: str, local: str, community: str) -> str:
    seat = rng.choice(("居民委员会", "党群服务中心", "文体活动室"))
    return f"{place}{local}{community}{seat}"


# -- regions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """A registration authority as names see it: its region and where domiciles lie."""

    authority_id: int
    code: str
    level: DivisionLevel
    #: what names start with: 中国, 江苏省, 南京市, 南京市玄武区
    region: str
    region_en: str | None
    #: index into names.SUPERVISORS' forms: 0 national, 1 provincial, 2 municipal or county
    form: int
    #: current county-level divisions of its territory, with their address prefix
    counties: tuple[tuple[str, str], ...]


def build_places(divisions: Iterable[DivisionRow], authority_ids: Mapping[str, int]) -> list[Place]:
    """One place per authority, from the division tree; pure, so tests need no database."""
    current = {d.code: d for d in divisions if d.abolished_on is None}
    children: dict[str, list[DivisionRow]] = defaultdict(list)
    for division in current.values():
        if division.parent_code:
            children[division.parent_code].append(division)

    def address_of(division: DivisionRow) -> str:
        parts: list[str] = []
        node: DivisionRow | None = division
        while node is not None and node.level is not DivisionLevel.NATIONAL:
            parts.append(node.name)
            node = current.get(node.parent_code or "")
        return "".join(reversed(parts))

    def counties_under(code: str) -> tuple[tuple[str, str], ...]:
        found, stack = [], [code]
        while stack:
            for child in children.get(stack.pop(), ()):
                (found if child.level is DivisionLevel.COUNTY else stack).append(child.code)
        return tuple((c, address_of(current[c])) for c in sorted(found))

    places = []
    for code in sorted(authority_ids):
        division = current.get(code)
        if division is None:
            continue
        level, region_en = DivisionLevel(division.level), None
        if level is DivisionLevel.NATIONAL:
            # The ministry sits in Beijing.
            region, region_en, form, counties = "中国", "China", 0, counties_under("110000")
        elif level is DivisionLevel.PROVINCE:
            region, region_en = division.name, PROVINCES_EN.get(code[:2])
            form = 2 if code in MUNICIPALITIES else 1
            counties = counties_under(code)
        else:
            parent = current.get(division.parent_code or "")
            # Districts carry their city's name (南京市玄武区: 鼓楼区 recurs in four cities);
            # counties and county-level cities stand alone (会宁县), as their groups do.
            prefix = ""
            if (
                level is DivisionLevel.COUNTY
                and parent is not None
                and (
                    parent.code in MUNICIPALITIES
                    or (parent.level is DivisionLevel.PREFECTURE and division.name.endswith("区"))
                )
            ):
                prefix = parent.name
            region, form = prefix + division.name, 2
            # Cities without districts (东莞, 中山 …) are their own domicile division.
            counties = counties_under(code) or ((code, address_of(division)),)
        if counties:
            places.append(
                Place(authority_ids[code], code, level, region, region_en, form, counties)
            )
    return places


def ordinal(n: int) -> str:
    """第二 … 第九十九, as in 南京市第二社会福利院; Arabic numerals beyond."""
    if n < 10:
        return "第" + _CHINESE_DIGITS[n]
    if n < 100:
        tens, units = divmod(n, 10)
        head = "" if tens == 1 else _CHINESE_DIGITS[tens]
        return f"第{head}十{_CHINESE_DIGITS[units] if units else ''}"
    return f"第{n}"


class Composed(NamedTuple):
    name: str
    name_en: str | None
    #: the supervisory unit's key in SUPERVISORS; None for decoupled trade associations
    key: str | None
    business_scope: str
    #: the vocabulary entry it was made from: pass it back to rename within the same field
    field: tuple[Any, ...]


def supervisor(key: str, form: int, region: str) -> str:
    """The supervisory unit's name at the region's level (form: see SUPERVISORS)."""
    return SUPERVISORS[key][form].format(r=region)


def social_group_name(
    rng: random.Random, region: str, region_en: str | None, field: tuple[Any, ...] | None = None
) -> Composed:
    """中国物流技术协会, 江苏省青年企业家协会, 南京市温州商会 …; English when region_en."""
    field = field or rng.choice(SOCIAL_GROUP_FIELDS)
    if field[0] == "{origin}":
        field = (*rng.choice(ORIGINS), *field[2:])
    topic, topic_en, suffixes, key = field
    suffix = rng.choice(suffixes)
    head, tail = (topic, topic_en), ("", "")
    if topic not in _ORIGIN_NAMES and rng.random() < 0.3:
        if topic.endswith("家"):
            qualifier, qualifier_en = rng.choice(PERSON_QUALIFIERS)
            head = (qualifier + topic, f"{qualifier_en} {topic_en}")
        else:
            tail = rng.choice(SPECIALISATIONS)
    name_en = None
    if region_en:
        name_en = " ".join(w for w in (region_en, head[1], tail[1], SUFFIX_EN[suffix]) if w)
    pool = SOCIAL_GROUP_SERVICES.get(key) or SOCIAL_GROUP_SERVICES["general"]
    picked = sorted(rng.sample(range(len(pool)), rng.randint(3, min(5, len(pool)))))
    scope = f"围绕{head[0]}{tail[0]}开展" + "、".join(pool[i] for i in picked)
    return Composed(f"{region}{head[0]}{tail[0]}{suffix}", name_en, key, scope, field)


def agency_name(rng: random.Random, region: str, field: tuple[Any, ...] | None = None) -> Composed:
    """南京市玄武区阳光养老服务中心: region, trade name, field, suffix."""
    field = field or rng.choice(AGENCY_FIELDS)
    stem, suffixes, key, scope = field
    if rng.random() < 0.5:
        scope = f"{scope}；{rng.choice(AGENCY_EXTRAS)}"
    return Composed(region + brand(rng) + stem + rng.choice(suffixes), None, key, scope, field)


def foundation_name(
    rng: random.Random,
    region: str,
    region_en: str | None,
    province: str,
    public: bool,
    field: tuple[Any, ...] | None = None,
) -> Composed:
    """江苏省慈善基金会, 南京大学教育发展基金会, 江苏省恒爱助学基金会 …"""
    field = field or rng.choice(FOUNDATION_THEMES)
    theme, theme_en, key, funds = field
    scope = f"接受社会捐赠；资助{funds}；开展相关公益活动"
    if public and rng.random() < 0.7:
        name_en = f"{region_en} {theme_en} Foundation" if region_en else None
        return Composed(f"{region}{theme}基金会", name_en, key, scope, field)
    universities = UNIVERSITIES.get(province)
    if universities and rng.random() < 0.2:
        school, school_en = rng.choice(universities)
        suffix, suffix_en = rng.choice(UNIVERSITY_FOUNDATIONS)
        scope = "接受社会捐赠；资助学校教学科研、人才培养和校园建设；奖教助学"
        return Composed(school + suffix, f"{school_en} {suffix_en}", "education", scope, field)
    donor = brand(rng) if rng.random() < 0.75 else person_name(rng)
    return Composed(f"{region}{donor}{theme}基金会", None, key, scope, field)
